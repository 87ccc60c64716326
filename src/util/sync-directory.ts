import {open} from 'node:fs/promises';

/**
 * fsyncs a directory, which makes its entries durable: a file created or renamed into it can otherwise
 * vanish, header and all, in a power loss even though the file itself was fsynced.
 */
export const syncDirectory = async (directory: string): Promise<void> => {
	const handle = await open(directory, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
};
