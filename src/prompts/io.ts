/** Where a prompt reads keys and writes its questions (tests pass their own streams). */
export interface PromptIO {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}
