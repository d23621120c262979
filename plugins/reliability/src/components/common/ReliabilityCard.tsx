import type { ReactNode } from 'react';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { MissingAnnotationEmptyState } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { reasonOf } from './format';
import type { ReliabilityData } from '../../hooks';
import { SourceErrors, SourceError } from './SourceErrors';
import { UpdatedAgo } from './UpdatedAgo';

/**
 * What to render when a response holds no data yet.
 *
 * @internal
 */
export interface NoDataHint {
  title: string;
  /** How to send the data, shown as the empty state's description. */
  howToSend: ReactNode;
}

/**
 * The region of one card, named "<title> card", with its state for tests and benchmarks:
 * `loading`, `error`, `data`, `no-data` or `missing-annotation`. It wraps the whole InfoCard
 * (title, "updated … ago", content) and keeps the grid item's full height.
 */
function CardRegion(props: { title: string; state: string; busy?: boolean; children: ReactNode }) {
  return (
    <section
      aria-label={`${props.title} card`}
      aria-busy={props.busy ?? false}
      data-state={props.state}
      style={{ height: '100%' }}
    >
      {props.children}
    </section>
  );
}

/**
 * Frame shared by the cards: the standard states in a fixed order so a card is
 * never blank.
 *
 * 1. no value and loading → `Progress`;
 * 2. no value and an error → `ResponseErrorPanel` with the reason;
 * 3. `noData(value)` returns a hint → per-source errors + `EmptyState` saying how to send data;
 * 4. otherwise per-source errors + `children(value)`.
 *
 * A card whose entity lacks its annotations renders {@link MissingAnnotationCard} instead and
 * never calls the backend.
 *
 * @internal
 */
export function ReliabilityCard<T extends { generatedAt: string; errors: SourceError[] }>(props: {
  title: string;
  data: ReliabilityData<T>;
  noData?: (value: T) => NoDataHint | undefined;
  live?: boolean;
  variant?: 'gridItem' | 'fullHeight';
  action?: ReactNode;
  children: (value: T) => ReactNode;
}) {
  const { title, data, noData, live, variant = 'gridItem' } = props;
  const { value, error, loading, retry } = data;
  if (!value) {
    const waiting = loading || !error;
    return (
      <CardRegion title={title} state={waiting ? 'loading' : 'error'} busy={waiting}>
        <InfoCard title={title} variant={variant}>
          {waiting ? (
            <Progress />
          ) : (
            <>
              <ResponseErrorPanel
                error={error}
                title={`Could not load ${title.toLocaleLowerCase('en-US')}: ${reasonOf(error)}`}
              />
              <Button size="small" variant="outlined" onClick={retry}>
                Retry
              </Button>
            </>
          )}
        </InfoCard>
      </CardRegion>
    );
  }
  const hint = noData?.(value);
  return (
    <CardRegion title={title} state={hint ? 'no-data' : 'data'} busy={loading}>
      <InfoCard
        title={title}
        variant={variant}
        action={props.action}
        subheader={<UpdatedAgo generatedAt={value.generatedAt} live={live} refreshing={loading} />}
      >
        <SourceErrors errors={value.errors} refreshError={error} />
        {hint ? (
          <EmptyState
            missing="data"
            title={hint.title}
            description={<Typography component="span">{hint.howToSend}</Typography>}
          />
        ) : (
          props.children(value)
        )}
      </InfoCard>
    </CardRegion>
  );
}

/**
 * A card naming the annotations to add (any one of them enables the card).
 *
 * @internal
 */
export function MissingAnnotationCard(props: {
  title: string;
  annotations: readonly string[];
  variant?: 'gridItem' | 'fullHeight';
}) {
  return (
    <CardRegion title={props.title} state="missing-annotation">
      <InfoCard title={props.title} variant={props.variant ?? 'gridItem'}>
        <MissingAnnotationEmptyState annotation={[...props.annotations]} />
      </InfoCard>
    </CardRegion>
  );
}
