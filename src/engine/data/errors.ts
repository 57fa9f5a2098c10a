/** A problem with a data file: names the file and says what is wrong and what to do. */
export class DataError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'DataError';
    this.file = file;
    this.problem = problem;
  }
}
