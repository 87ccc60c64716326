/** Where a command's lines go: the terminal's stdout and stderr, or a test's arrays. */
export type Output = {readonly out: (line: string) => void; readonly err: (line: string) => void};
