/** How the local commands (clock, outbox, inbox) read the instance they are meant for from their arguments. */
import { describe, expect, it } from 'vitest';
import { parsePort, takePortOption } from '../../../scripts/lib/local-system';

describe('takePortOption', () => {
  it('takes --port N out of the arguments, leaving the rest in order', () => {
    const args = ['+7d', '--port', '3001', '--json'];
    expect(takePortOption(args)).toBe(3001);
    expect(args).toEqual(['+7d', '--json']);
  });

  it('takes --port=N too', () => {
    const args = ['--port=3002', 'reset'];
    expect(takePortOption(args)).toBe(3002);
    expect(args).toEqual(['reset']);
  });

  it('answers undefined and leaves the arguments alone when no port is named', () => {
    const args = ['+1d'];
    expect(takePortOption(args)).toBeUndefined();
    expect(args).toEqual(['+1d']);
  });

  it.each([[['--port']], [['--port', 'abc']], [['--port=0']], [['--port', '70000']], [['--port', '30.5']]])('refuses %j naming the option', (args) => {
    expect(() => takePortOption([...args])).toThrow(/^--port must be a port number/);
  });
});

describe('parsePort', () => {
  it('names where a bad value came from', () => {
    expect(parsePort('3000', 'PORT')).toBe(3000);
    expect(() => parsePort(' 3000', 'PORT')).toThrow('PORT must be a port number, got " 3000"');
  });
});
