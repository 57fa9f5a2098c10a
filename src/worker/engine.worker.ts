import '../engine/noEval';
import * as Comlink from 'comlink';
import { browserServices } from './browser-services';
import { EngineHost } from './host';

Comlink.expose(new EngineHost(browserServices()));
