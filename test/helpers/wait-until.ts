/**
 * Polls `check` every `intervalMs` until it holds, and fails naming `what` after `timeoutMs`. The
 * deadline is generous on purpose: it only ends a test that would otherwise hang, on a shared and loaded
 * machine where things take their time; it never measures anything.
 */
export const waitUntil = async (
	what: string,
	check: () => boolean | Promise<boolean>,
	{timeoutMs = 30_000, intervalMs = 20}: {timeoutMs?: number; intervalMs?: number} = {},
): Promise<void> => {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		}
		await new Promise(resolve => setTimeout(resolve, intervalMs));
	}
};
