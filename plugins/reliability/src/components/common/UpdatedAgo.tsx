import Typography from '@material-ui/core/Typography';
import { useNow } from '../../hooks';
import { formatAge } from './format';

/**
 * "updated N s ago" from the response's `generatedAt`, ticking every second;
 * `live` adds that Signals push updates.
 *
 * @internal
 */
export function UpdatedAgo(props: { generatedAt: string; live?: boolean; refreshing?: boolean }) {
  const now = useNow();
  const age = formatAge(now - Date.parse(props.generatedAt));
  return (
    <Typography variant="caption" color="textSecondary" component="span">
      updated {age} ago{props.live ? ' · live' : ''}
      {props.refreshing ? ' · refreshing…' : ''}
    </Typography>
  );
}
