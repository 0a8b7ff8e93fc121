// Progress for long work: a spinner with a counter when stdout is a terminal, plain lines otherwise (logs,
// CI, pipes), so output stays readable in both.
// Not cli-progress (the bars of `contacts import`, `campaigns run`, `reconcile`): here every item ends in a
// line the operator reads (`replayed X as Y`, the demo's applied line) and a bar redraws over them;
// cli-progress has no spinner, and a dozen lines do not justify listr2.
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** Shows what is under way (spinner on a TTY; one line otherwise). */
  update(text: string): void;
  /** Ends the current item with a final line. */
  done(text: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stdout): Progress {
  if (!stream.isTTY) {
    return {
      update: (text) => stream.write(`${text}\n`),
      done: (text) => stream.write(`${text}\n`),
      stop: () => undefined,
    };
  }
  let frame = 0;
  let current = '';
  const render = () => {
    stream.write(`\r\x1b[2K${FRAMES[frame % FRAMES.length] ?? ''} ${current}`);
    frame++;
  };
  const timer = setInterval(render, 80);
  timer.unref();
  return {
    update(text) {
      current = text;
      render();
    },
    done(text) {
      current = '';
      stream.write(`\r\x1b[2K${text}\n`);
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
