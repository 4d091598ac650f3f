import { useEffect, useMemo, useState } from 'react';
import type { StepController } from '../controller.js';
import { OutputBuffer, type OutputBufferOptions } from '../output-buffer.js';

export interface UseOutputBufferOptions extends OutputBufferOptions {
  /** Fewest milliseconds between two renders caused by output. */
  intervalMs?: number;
}

/**
 * The running step's output, collected from the controller's events into an `OutputBuffer`.
 * Output re-renders the app at most once per `intervalMs`: a step that floods its output
 * costs a render every 100 ms, not one per chunk.
 */
export function useOutputBuffer(controller: Pick<StepController, 'subscribe'>, options: UseOutputBufferOptions = {}): OutputBuffer {
  const { maxLines, maxLineLength, intervalMs = 100 } = options;
  const buffer = useMemo(() => new OutputBuffer({ maxLines, maxLineLength }), [maxLines, maxLineLength]);
  const [, setVersion] = useState(0);

  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let lastRender = 0;
    const render = () => {
      timer = undefined;
      lastRender = Date.now();
      setVersion(buffer.version);
    };
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(render, Math.max(0, lastRender + intervalMs - Date.now()));
    };
    const unsubscribe = controller.subscribe((event) => {
      if (event.type === 'step-start') {
        if (event.attempt <= 1 || buffer.owner !== event.step.name) buffer.reset(event.step.name);
        else buffer.append(`${buffer.length > 0 ? '\n' : ''}── attempt ${event.attempt} ──\n`);
        schedule();
      } else if (event.type === 'output' && event.step.name === buffer.owner) {
        // Output of other steps (a background step still printing) is in their logs, not the pane.
        buffer.append(event.text);
        schedule();
      }
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [controller, buffer, intervalMs]);

  return buffer;
}
