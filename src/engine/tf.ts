/**
 * tfjs-core as the engine hands it to method, base-optimizer and deformation files. Those files
 * import tfjs only as a type, so the UI can read their descriptors (labels, settings, schemas) on
 * the main thread without loading tfjs; the engine passes the library in when it builds a lane.
 */
export type Tf = typeof import('@tensorflow/tfjs-core');
