import type { TracesData } from "../otlp/types.ts";
import { StatusCode } from "../otlp/types.ts";
import { Attr } from "./conventions.ts";
import type { FoldContext } from "./context.ts";
import { numberOf } from "./context.ts";
import { SeriesKind } from "../series/kinds.ts";

/**
 * Folds spans that carry `ml.model.id` (on the span or its resource), and GenAI client spans
 * (`gen_ai.request.model`): each is one prediction, its duration the latency, an error status an
 * error; GenAI spans add their token usage. Other spans are accepted and ignored.
 */
export function foldTraces(data: TracesData, ctx: FoldContext): void {
  for (const resourceSpans of data.resourceSpans) {
    const resource = resourceSpans.resource;
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const attributes = span.attributes;
        const identity = ctx.identify(attributes, resource, attributes[Attr.genAiRequestModel]);
        if (identity === undefined) {
          ctx.ignored += 1;
          continue;
        }
        ctx.rejections.beginRecord();
        const { modelId, version } = identity;
        const minute = ctx.validName(modelId, Attr.modelId) && ctx.validName(version, Attr.modelVersion) ? ctx.minuteOf(span.endTimeUnixNano || span.startTimeUnixNano) : undefined;
        const model = minute === undefined ? undefined : ctx.model(modelId);
        if (model !== undefined && minute !== undefined) {
          model.addCount(SeriesKind.predictions, version, "", "", minute, 1);
          if (span.status.code === StatusCode.Error) model.addCount(SeriesKind.errors, version, "", "", minute, 1);
          if (span.endTimeUnixNano >= span.startTimeUnixNano && span.startTimeUnixNano > 0n) {
            model.addNumber(SeriesKind.latency, version, "", "", minute, Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9);
          }
          const input = numberOf(attributes[Attr.genAiInputTokens]);
          const output = numberOf(attributes[Attr.genAiOutputTokens]);
          if (input !== undefined) model.addNumber(SeriesKind.genAiTokens, version, "input", "", minute, input);
          if (output !== undefined) model.addNumber(SeriesKind.genAiTokens, version, "output", "", minute, output);
        }
        ctx.rejections.endRecord();
      }
    }
  }
}
