// app may depend on schema and shapes.
import * as schema from '@streamflow/schema';
import * as shapes from '@streamflow/shapes';

export const ok = [schema, shapes];
