import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, CartesianGrid, Legend } from 'recharts';
import { Theme, useTheme } from '@material-ui/core/styles';

/**
 * One line of a {@link TrendChart}.
 *
 * @internal
 */
export interface TrendSeries {
  name: string;
  points: Array<{ x: string; y: number | null }>;
}

function palette(theme: Theme): string[] {
  return [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.info?.main ?? theme.palette.primary.dark,
    theme.palette.warning?.main ?? theme.palette.primary.light,
  ];
}

/**
 * A small line chart without axes. `label` is its text alternative (role img),
 * so the trend is never conveyed by the drawing alone.
 *
 * @internal
 */
export function Sparkline(props: {
  points: Array<{ x: string; y: number | null }>;
  label: string;
  width?: number;
  height?: number;
  domain?: [number, number];
}) {
  const theme = useTheme<Theme>();
  const { points, label, width = 220, height = 40 } = props;
  return (
    <div role="img" aria-label={label} style={{ width, height }}>
      <LineChart width={width} height={height} data={points} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
        <YAxis hide domain={props.domain ?? ['auto', 'auto']} />
        <Line
          type="monotone"
          dataKey="y"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}

/**
 * A larger, responsive line chart with axes, tooltip and legend (the Reliability tab).
 *
 * @internal
 */
export function TrendChart(props: {
  series: TrendSeries[];
  label: string;
  height?: number;
  domain?: [number, number];
  formatX?: (x: string) => string;
}) {
  const theme = useTheme<Theme>();
  const colors = palette(theme);
  const xs = Array.from(new Set(props.series.flatMap(s => s.points.map(p => p.x)))).sort();
  const rows = xs.map(x => {
    const row: Record<string, string | number | null> = { x };
    for (const s of props.series) {
      row[s.name] = s.points.find(p => p.x === x)?.y ?? null;
    }
    return row;
  });
  const axis = { stroke: theme.palette.text.secondary, fontSize: 12 };
  return (
    <div role="img" aria-label={props.label} style={{ width: '100%', height: props.height ?? 240 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
          <XAxis dataKey="x" tickFormatter={props.formatX} tick={axis} stroke={axis.stroke} minTickGap={24} />
          <YAxis domain={props.domain ?? ['auto', 'auto']} tick={axis} stroke={axis.stroke} width={48} />
          <Tooltip
            labelFormatter={x => (props.formatX ? props.formatX(String(x)) : String(x))}
            contentStyle={{ background: theme.palette.background.paper, color: theme.palette.text.primary }}
          />
          <Legend />
          {props.series.map((s, i) => (
            <Line
              key={s.name}
              type="monotone"
              dataKey={s.name}
              stroke={colors[i % colors.length]}
              strokeDasharray={i % 2 ? '6 3' : undefined}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * "14:05" in the viewer's time zone.
 *
 * @internal
 */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
