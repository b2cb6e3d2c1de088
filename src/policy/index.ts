export { decide, type DecideInput } from './decide.js';
export { decideManual, type ManualInput } from './manual.js';
export { cooldownRemaining } from './cooldown.js';
export { OUTCOMES, type AlertHistory, type Decision, type Outcome, type PoolPolicy, type PoolState, type SignalInput } from './types.js';
