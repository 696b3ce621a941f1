/** @module `%#v` of a metav1.LabelSelector, the value a `*LabelSelector` field error prints (ErrorBody dereferences the pointer). */
import type { LabelSelector } from '../selectors/structured.js';
import { goQuote, goSlice, goStringMap, goStringSlice, goStruct } from './go-format.js';

/** `%#v` of a metav1.LabelSelector (the value a `*LabelSelector` error prints). */
export function goLabelSelector(ls: LabelSelector): string {
  const exprs = ls.matchExpressions == null
    ? null
    : ls.matchExpressions.map((e) => goStruct('v1.LabelSelectorRequirement', [
      ['Key', goQuote(e.key ?? '')],
      ['Operator', goQuote(e.operator ?? '')],
      ['Values', goStringSlice(e.values ?? null)],
    ]));
  return goStruct('v1.LabelSelector', [
    ['MatchLabels', goStringMap(ls.matchLabels ?? null)],
    ['MatchExpressions', goSlice('v1.LabelSelectorRequirement', exprs)],
  ]);
}
