import { BadRequestError } from '../../errors/named-error';
import { readRequestedLocation } from './requested-location';

const SERVER_DIR = '/srv/project';

describe('readRequestedLocation', () => {
  it('defaults to the server directory, with no workspace', () => {
    expect(readRequestedLocation({}, {}, SERVER_DIR)).toEqual({
      directory: SERVER_DIR,
      directorySource: undefined,
    });
  });

  it('takes location[directory] from the query over the header', () => {
    const location = readRequestedLocation(
      { 'location[directory]': '/a' },
      { 'x-opencode-directory': '%2Fb' },
      SERVER_DIR,
    );
    expect(location.directory).toBe('/a');
    expect(location.directorySource).toEqual({ kind: 'Query', field: 'location[directory]' });
  });

  it('takes the URI-encoded header when the query names no directory', () => {
    const location = readRequestedLocation(
      {},
      { 'x-opencode-directory': encodeURIComponent('/with space/é') },
      SERVER_DIR,
    );
    expect(location.directory).toBe('/with space/é');
    expect(location.directorySource).toEqual({ kind: 'Headers', field: 'x-opencode-directory' });
  });

  it('keeps a header that is not valid URI encoding as it is', () => {
    expect(
      readRequestedLocation({}, { 'x-opencode-directory': '/a%zz' }, SERVER_DIR).directory,
    ).toBe('/a%zz');
  });

  it('ignores a bare ?directory= and empty values, as the reference', () => {
    const location = readRequestedLocation(
      { directory: '/elsewhere', 'location[directory]': '' },
      { 'x-opencode-directory': '' },
      SERVER_DIR,
    );
    expect(location.directory).toBe(SERVER_DIR);
  });

  it('accepts the nested form a nesting query parser produces', () => {
    const location = readRequestedLocation(
      { location: { directory: '/nested', workspace: 'wrk_1' } },
      {},
      SERVER_DIR,
    );
    expect(location).toMatchObject({ directory: '/nested', workspaceID: 'wrk_1' });
  });

  it('resolves a relative directory against the server directory and normalises', () => {
    expect(readRequestedLocation({ 'location[directory]': 'src' }, {}, SERVER_DIR).directory).toBe(
      '/srv/project/src',
    );
    expect(
      readRequestedLocation({ 'location[directory]': '/a/b/../c/' }, {}, SERVER_DIR).directory,
    ).toBe('/a/c');
  });

  it('takes the workspace from the query, else the header', () => {
    expect(
      readRequestedLocation(
        { 'location[workspace]': 'wrk_q' },
        { 'x-opencode-workspace': 'wrk_h' },
        SERVER_DIR,
      ).workspaceID,
    ).toBe('wrk_q');
    expect(
      readRequestedLocation({}, { 'x-opencode-workspace': 'wrk_h' }, SERVER_DIR).workspaceID,
    ).toBe('wrk_h');
  });

  it('refuses a workspace id without the wrk prefix, naming where it came from', () => {
    const fromQuery = () => readRequestedLocation({ 'location[workspace]': 'abc' }, {}, SERVER_DIR);
    expect(fromQuery).toThrow(BadRequestError);
    expect(fromQuery).toThrow(
      expect.objectContaining({
        data: expect.objectContaining({ kind: 'Query', field: 'location[workspace]' }),
      }) as Error,
    );
    const fromHeader = () =>
      readRequestedLocation({}, { 'x-opencode-workspace': 'abc' }, SERVER_DIR);
    expect(fromHeader).toThrow(
      expect.objectContaining({
        data: expect.objectContaining({ kind: 'Headers', field: 'x-opencode-workspace' }),
      }) as Error,
    );
  });

  it('refuses a repeated location key and a NUL byte', () => {
    expect(() =>
      readRequestedLocation({ 'location[directory]': ['/a', '/b'] }, {}, SERVER_DIR),
    ).toThrow(BadRequestError);
    expect(() => readRequestedLocation({ 'location[directory]': '/a\0b' }, {}, SERVER_DIR)).toThrow(
      BadRequestError,
    );
  });
});
