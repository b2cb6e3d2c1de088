import type { Outcome } from '../../policy/types.js';
import type { Style } from './style.js';

/** The colour an outcome reads in: done green, blocked yellow, broken red, nothing dim. */
export function outcomeColor(outcome: string, style: Style): (text: string) => string {
  switch (outcome as Outcome | 'running') {
    case 'scaled':
      return style.green;
    case 'dry_run':
    case 'running':
      return style.cyan;
    case 'failed':
    case 'interrupted':
    case 'rejected':
      return style.red;
    case 'cooldown':
    case 'at_max':
    case 'at_min':
    case 'paused':
      return style.yellow;
    default:
      return style.dim;
  }
}

/** `1 → 3`, or `3` when nothing moved. */
export function fromTo(from: number, to: number): string {
  return from === to ? String(to) : `${from} → ${to}`;
}
