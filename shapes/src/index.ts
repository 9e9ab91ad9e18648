/**
 * @streamflow/shapes: the named shapes a client may subscribe to. The client
 * asks for a name; table, columns and WHERE (with the session's values as
 * positional parameters) come from here, never from the client.
 */
export {
  SHAPES,
  LOCAL_TABLE_OF,
  resolveShape,
  shapesFor,
  type ShapeDefinition,
  type ShapeDependency,
  type ShapeName,
  type ShapeRequestContext,
  type ResolvedShape,
} from './shapes.ts';
export { CSV_SAFE_TYPES, CsvSafeText, LOCAL_INITIAL_INSERT_METHOD, localStoreParser } from './local-store.ts';
