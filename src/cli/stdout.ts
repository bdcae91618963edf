/**
 * Standard output of the batch commands (replay, simulate, the listings).
 *
 * A reader that stops reading (`mailwarden replay events.jsonl | head`) ends the command quietly
 * with status 0, as it ends the standard tools, instead of an unhandled EPIPE and a stack trace.
 * Only output nobody reads any more is lost: replay and simulate change nothing, and the other
 * commands print after they have acted. Not for `start`: a log reader that goes away is not the
 * end of the gateway's work.
 */
export function endQuietlyWhenReaderLeaves(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/**
 * Writes a chunk and resolves once it is handed on. When the reader has gone, the promise never
 * settles: the stream's error event, which follows at once, ends the process (above), and the
 * command must not go on to report the failed write as an error of its own.
 */
export function writeOut(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (err) => {
      if (!err) resolve();
      else if ((err as NodeJS.ErrnoException).code !== 'EPIPE') reject(err);
    });
  });
}
