import type { SeverityLevel } from './SeverityLabel';

/**
 * Maps every status word of the responses to a level (unknown words → unknown).
 *
 * @internal
 */
export function levelOf(status: string | null | undefined): SeverityLevel {
  switch (status) {
    case 'ok':
    case 'in-sync':
    case 'synced':
    case 'Synced':
    case 'Healthy':
    case 'stable':
    case 'within':
    case 'elite':
    case 'high':
    case 'True':
      return 'ok';
    case 'warning':
    case 'drifted':
    case 'out-of-sync':
    case 'OutOfSync':
    case 'Progressing':
    case 'moderate':
    case 'soft-fail':
    case 'needs-approval':
    case 'medium':
      return 'warning';
    case 'critical':
    case 'error':
    case 'degraded':
    case 'Degraded':
    case 'Missing':
    case 'significant':
    case 'over':
    case 'low':
    case 'False':
      return 'critical';
    default:
      return 'unknown';
  }
}
