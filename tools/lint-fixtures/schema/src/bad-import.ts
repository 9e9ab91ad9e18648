// schema is the root of the package graph: it imports nothing of ours.
import * as shapes from '@streamflow/shapes';

export const leaked = shapes;
