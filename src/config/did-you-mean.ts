/** Edit distance: insertions, deletions and substitutions, one each. */
export const levenshtein = (a: string, b: string): number => {
	let previous = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
			current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
		}
		previous = current;
	}
	return previous[b.length]!;
};

/** Case and separators are the usual slips (`buffer_seconds`, `BufferSeconds`); they cost nothing. */
const normalize = (name: string): string => name.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The candidate `name` was most likely meant to be, if one is close: within 2 edits, or a third of its
 * length for long names. Ties go to the earlier candidate.
 */
export const didYouMean = (name: string, candidates: readonly string[]): string | undefined => {
	const wanted = normalize(name);
	let best: string | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	for (const candidate of candidates) {
		const distance = levenshtein(wanted, normalize(candidate));
		if (distance < bestDistance) {
			best = candidate;
			bestDistance = distance;
		}
	}
	const allowed = Math.max(2, Math.floor(wanted.length / 3));
	return bestDistance <= allowed ? best : undefined;
};
