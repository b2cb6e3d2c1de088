export { createSilencesClient, type SilencesClient, type SilencesClientOptions } from './client.js';
export { createSilenceCache, type SilenceCache, type SilenceCacheOptions } from './cache.js';
export { AlertmanagerError, isAlertmanagerError } from './errors.js';
export { isActive, matcherMatches, matchesLabels, silencing } from './matcher.js';
export { pausesOf, pauseView, poolMatchers, type Direction, type Pause, type PauseView } from './pauses.js';
export { matcherSchema, silenceSchema, type Matcher, type NewSilence, type Silence } from './schema.js';
export { mutedSignals } from './muted.js';
