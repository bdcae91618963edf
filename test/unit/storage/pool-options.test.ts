import { describe, expect, it } from 'vitest';
import { poolOptions } from '../../../src/storage/postgres/index.js';

describe('PostgreSQL pool size from the store URL', () => {
  it('is 10 by default, poolSize=N otherwise, and the parameter is not passed on to the driver', () => {
    expect(poolOptions('postgres://u@db:5432/mw')).toEqual({ connectionString: 'postgres://u@db:5432/mw', max: 10 });
    expect(poolOptions('postgres://u@db:5432/mw?poolSize=30&options=-c%20search_path%3Dmw')).toEqual({
      connectionString: 'postgres://u@db:5432/mw?options=-c+search_path%3Dmw',
      max: 30,
    });
  });

  it('refuses a pool size that is not a number of connections, naming it', () => {
    expect(() => poolOptions('postgres://db/mw?poolSize=0')).toThrow(/poolSize=0 .* from 1 to 1000/);
    expect(() => poolOptions('postgres://db/mw?poolSize=lots')).toThrow(/poolSize=lots/);
  });
});
