// Ranking metrics with binary relevance, all cut at 10 (a digest's length).

/** Cut-off shared by the metrics. */
export const AT = 10;

/** nDCG@10: discounted gain of the list over the best possible list for this many relevant papers. */
export function ndcg(list: string[], relevant: Set<string>): number {
  let dcg = 0;
  list.slice(0, AT).forEach((id, i) => { if (relevant.has(id)) dcg += 1 / Math.log2(i + 2); });
  let ideal = 0;
  for (let i = 0; i < Math.min(AT, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal ? dcg / ideal : 0;
}

/** Precision@10. */
export function precision(list: string[], relevant: Set<string>): number {
  return list.slice(0, AT).filter((id) => relevant.has(id)).length / AT;
}

/** Reciprocal rank of the first relevant paper within the first 10 (0 when none). */
export function mrr(list: string[], relevant: Set<string>): number {
  const i = list.slice(0, AT).findIndex((id) => relevant.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}
