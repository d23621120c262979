import { createServer } from './server';

const port = Number(process.env.PORT ?? 8080);
const service = createServer({ serviceName: '${{ values.name }}' });

service.server.listen(port, () => {
  console.log(JSON.stringify({ level: 'info', message: 'listening', port }));
});

// Kubernetes sends SIGTERM and keeps routing for a moment: fail readiness first, then drain.
process.on('SIGTERM', () => {
  service.markShuttingDown();
  setTimeout(() => {
    service.server.close(() => process.exit(0));
    service.server.closeIdleConnections();
  }, 5_000).unref();
});
