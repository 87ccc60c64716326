/** True while process `pid` exists: `kill(pid, 0)` succeeds, or fails with EPERM (someone else's process). */
export const isProcessAlive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};
