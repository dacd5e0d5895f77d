/** An operation's answer that is already JSON text (built from cached fragments), sent as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}
