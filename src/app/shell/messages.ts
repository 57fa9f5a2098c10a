/** Errors and notes for the user, shown in one stack (the last three); notes go away after 8 s. */
import { create } from 'zustand';

export interface Message {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export const useMessages = create<{ messages: Message[] }>(() => ({ messages: [] }));
let messageId = 0;

export function notify(kind: Message['kind'], text: string): void {
  const id = ++messageId;
  useMessages.setState((s) => ({ messages: [...s.messages.slice(-2), { id, kind, text }] }));
  if (kind === 'info') setTimeout(() => dismiss(id), 8000);
}

export function dismiss(id: number): void {
  useMessages.setState((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
}
