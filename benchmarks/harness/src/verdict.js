/**
 * The verdict lines of a results file's goals, one per goal: `- MET: goal: detail; detail`
 * (or `NOT MET`), as the benchmarks that judge their goals in `results.goals` print them.
 * @param {{ goals: { goal: string, met: boolean, detail: readonly string[] }[] }} results
 */
export function goalVerdict(results) {
  return results.goals
    .map((goal) => `- ${goal.met ? 'MET' : 'NOT MET'}: ${goal.goal}: ${goal.detail.join('; ')}`)
    .join('\n');
}
