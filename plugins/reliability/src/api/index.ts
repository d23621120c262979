export { reliabilityApiRef } from './ReliabilityApi';
export type { ReliabilityApi } from './ReliabilityApi';
export { ReliabilityClient, ReliabilityResponseError } from './ReliabilityClient';
