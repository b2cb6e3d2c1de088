/**
 * Small builders over @grafana/grafana-foundation-sdk so the dashboard modules read as a list of
 * questions and PromQL. Every panel carries its question as the description: that is what the
 * README's panel table repeats and what a user sees on hover.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS } from './datasource.js';

export interface Query {
  expr: string;
  legend: string;
  /** One value per series at the end of the range (stat, bar gauge), not a time series. */
  instant?: boolean;
}

export interface PanelSpec {
  /** Stable numeric id: Grafana links and `viewPanel=` URLs use it. */
  id: number;
  title: string;
  /** The question the panel answers, shown as its description. */
  question: string;
  queries: Query[];
  width: number;
  height?: number;
  unit?: string;
  min?: number;
  max?: number;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(queries: Query[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const t = new DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(REF_IDS[i] ?? `Q${i}`)
      .expr(q.expr)
      .legendFormat(q.legend);
    return q.instant ? t.instant() : t.range();
  });
}

/** Title, description, datasource, size, targets and field defaults every panel kind shares. */
function common_<
  P extends {
    id(id: number): P;
    title(t: string): P;
    description(d: string): P;
    datasource(d: common.DataSourceRef): P;
    span(w: number): P;
    height(h: number): P;
    withTarget(t: DataqueryBuilder): P;
    unit(u: string): P;
    min(m: number): P;
    max(m: number): P;
  },
>(panel: P, spec: PanelSpec): P {
  let p = panel
    .id(spec.id)
    .title(spec.title)
    .description(spec.question)
    .datasource(PROMETHEUS)
    .span(spec.width)
    .height(spec.height ?? 8);
  for (const t of targets(spec.queries)) p = p.withTarget(t);
  if (spec.unit !== undefined) p = p.unit(spec.unit);
  if (spec.min !== undefined) p = p.min(spec.min);
  if (spec.max !== undefined) p = p.max(spec.max);
  return p;
}

const legend = () =>
  new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .calcs([]);

const tooltip = () => new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);

export interface TimeseriesSpec extends PanelSpec {
  /** Discrete events (decisions, errors) read better as stacked bars than as lines. */
  bars?: boolean;
  /** Series whose display name matches are drawn dashed: bounds and limits, not measurements. */
  dashed?: string;
}

export function timeseriesPanel(spec: TimeseriesSpec): timeseries.PanelBuilder {
  let p = common_(new timeseries.PanelBuilder(), spec)
    .legend(legend())
    .tooltip(tooltip())
    .lineWidth(1)
    .fillOpacity(spec.bars ? 80 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false);
  if (spec.bars) {
    p = p.drawStyle(common.GraphDrawStyle.Bars).stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal).group('A'));
  }
  if (spec.dashed) {
    p = p.overrideByRegexp(spec.dashed, [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
    ]);
  }
  return p;
}

export interface StateSpec extends PanelSpec {
  /** value -> [text, color] */
  states: Record<string, [string, string]>;
}

function valueMappings(states: StateSpec['states']): dashboard.ValueMapping[] {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  Object.entries(states).forEach(([value, [text, color]], index) => {
    options[value] = { text, color, index };
  });
  return [{ type: dashboard.MappingType.ValueToText, options }];
}

/** The current value per series, text and colour from a value mapping (paused, dry run). */
export function statePanel(spec: StateSpec): stat.PanelBuilder {
  return common_(new stat.PanelBuilder(), spec)
    .mappings(valueMappings(spec.states))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.ValueAndName)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor('text'));
}

/** A value mapping over time: when was a pool paused, an alert pending or firing, a source down. */
export function timelinePanel(spec: StateSpec): statetimeline.PanelBuilder {
  return common_(new statetimeline.PanelBuilder(), spec)
    .mappings(valueMappings(spec.states))
    .legend(legend())
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .fillOpacity(80)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor('transparent'));
}

/** One bar per series: totals over the dashboard's time range. */
export function barsPanel(spec: PanelSpec): bargauge.PanelBuilder {
  return common_(new bargauge.PanelBuilder(), spec)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic));
}

export function row(title: string, id: number): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title).id(id);
}

/** What every alertscale dashboard shares: tags, time range, refresh, crosshair, and links to the others. */
export function alertscaleDashboard(title: string, uid: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['alertscale'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('10s')
    .timezone('browser')
    .link(
      new dashboard.DashboardLinkBuilder('alertscale')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['alertscale'])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(false)
        .targetBlank(false),
    );
}
