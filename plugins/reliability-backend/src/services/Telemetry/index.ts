export { TelemetryWriter, telemetryWriterServiceRef } from './TelemetryWriter';
export type { TelemetryWriteResult } from './TelemetryWriter';
