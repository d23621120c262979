import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { SeverityLabel } from './SeverityLabel';
import { reasonOf } from './format';

/**
 * One failing source as every reliability response reports it.
 *
 * @internal
 */
export interface SourceError {
  source: string;
  message: string;
  errorType?: string;
  cluster?: string;
}

/**
 * The per-source errors of a response, each with its reason, shown next to the
 * data that is still valid. Renders nothing for an empty list.
 *
 * @internal
 */
export function SourceErrors(props: { errors: SourceError[]; refreshError?: Error }) {
  const { errors, refreshError } = props;
  if (errors.length === 0 && !refreshError) return null;
  return (
    <Box role="alert" mb={1} aria-label="Source errors">
      {refreshError && (
        <Typography variant="body2">
          <SeverityLabel level="warning">
            Refresh failed, showing the last data: {reasonOf(refreshError)}
          </SeverityLabel>
        </Typography>
      )}
      {errors.map((e, i) => (
        <Typography variant="body2" key={`${e.source}-${e.cluster ?? ''}-${i}`}>
          <SeverityLabel level="warning">
            {e.source}
            {e.cluster ? ` (cluster ${e.cluster})` : ''}: {e.message}
            {e.errorType ? ` [${e.errorType}]` : ''}
          </SeverityLabel>
        </Typography>
      ))}
    </Box>
  );
}
