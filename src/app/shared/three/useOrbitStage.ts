import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { OrbitStage } from './orbitStage';

/** What a view keeps per mounted canvas: at least the OrbitStage, plus its own scene state. */
export interface HasOrbitStage {
  orbit: OrbitStage;
}

export interface OrbitStageHandle<S extends HasOrbitStage> {
  /** The focusable wrapper; it receives the keyboard orbit/pan and the +/− zoom keys. */
  wrapperRef: RefObject<HTMLDivElement | null>;
  /** The element the canvas is appended to; its size is the canvas size. */
  hostRef: RefObject<HTMLDivElement | null>;
  stageRef: RefObject<S | null>;
  /** True when the stage could not be created (no WebGL). */
  unavailable: boolean;
  onKeyDown(e: KeyboardEvent<HTMLElement>): void;
}

/**
 * Creates the view's stage once the wrapper and host are mounted (and `enabled`), and disposes it
 * on unmount. `create` runs only then, so it may close over refs but not over changing props.
 */
export function useOrbitStage<S extends HasOrbitStage>(
  create: (host: HTMLDivElement, keyTarget: HTMLDivElement) => S,
  enabled = true,
): OrbitStageHandle<S> {
  const wrapperRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<S | null>(null);
  const [unavailable, setUnavailable] = useState(false);

  useEffect(() => {
    const host = hostRef.current;
    const wrapper = wrapperRef.current;
    if (!enabled || !host || !wrapper) return;
    let stage: S;
    try {
      stage = create(host, wrapper);
    } catch {
      setUnavailable(true);
      return;
    }
    stageRef.current = stage;
    return () => {
      stageRef.current = null;
      stage.orbit.dispose();
    };
    // `create` is read once per mount by design (see above).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (stageRef.current?.orbit.zoomKey(e.key)) e.preventDefault();
  };

  return { wrapperRef, hostRef, stageRef, unavailable, onKeyDown };
}
