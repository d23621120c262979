import type { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleOutline from '@material-ui/icons/CheckCircleOutline';
import ReportProblemOutlined from '@material-ui/icons/ReportProblemOutlined';
import ErrorOutline from '@material-ui/icons/ErrorOutline';
import HelpOutline from '@material-ui/icons/HelpOutline';

/**
 * Levels every band, status and severity of the cards maps to.
 *
 * @public
 */
export type SeverityLevel = 'ok' | 'warning' | 'critical' | 'unknown';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontWeight: 500,
    verticalAlign: 'middle',
  },
  icon: { fontSize: '1.1em' },
  ok: { color: theme.palette.status?.ok ?? theme.palette.success.main },
  warning: { color: theme.palette.status?.warning ?? theme.palette.warning.main },
  critical: { color: theme.palette.status?.error ?? theme.palette.error.main },
  unknown: { color: theme.palette.text.secondary },
}));

const ICONS = {
  ok: CheckCircleOutline,
  warning: ReportProblemOutlined,
  critical: ErrorOutline,
  unknown: HelpOutline,
};

/**
 * A level shown as icon shape plus text, never by colour alone: a circle with a
 * check for ok, a triangle for warning, a circle with "!" for critical, a "?" for
 * unknown. The colour comes from the theme's status palette (light and dark).
 *
 * @public
 */
export function SeverityLabel(props: { level: SeverityLevel; children: ReactNode }) {
  const classes = useStyles();
  const Icon = ICONS[props.level];
  return (
    <Box component="span" className={classes.root} data-level={props.level}>
      <Icon
        className={`${classes.icon} ${classes[props.level]}`}
        titleAccess={props.level}
        aria-hidden={false}
      />
      <span>{props.children}</span>
    </Box>
  );
}
