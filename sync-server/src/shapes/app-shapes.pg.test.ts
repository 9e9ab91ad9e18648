import { describePg, postgresEngine } from '../testing/db.ts';
import { appShapesSuite } from './app-shapes.suite.ts';

describePg('shapes in the real app (Postgres)', () => appShapesSuite(postgresEngine));
