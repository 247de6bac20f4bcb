/** Acumatica's current copies of the records a page pushes, each read at most once per page. */
import { isAcumaticaError, type AcumaticaClient, type AcumaticaRecord } from '../../acumatica';
import type { AnyMapper } from '../mapping';

export class AcumaticaCopies {
  /** Copies read during this page's pushes, by entity and id, with what they expanded. */
  private readonly copies = new Map<
    string,
    { expand: readonly string[]; copy: Promise<AcumaticaRecord | undefined> }
  >();

  constructor(
    private readonly client: AcumaticaClient,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * Acumatica's current copy (with the `expand`ed detail rows), or undefined when it no longer exists. Read
   * once per record and push: the last-modified check and the detail-row match of the update that follows
   * share one GET when the first read expanded what the second needs.
   */
  current(
    acumaticaEntity: string,
    mapper: AnyMapper,
    externalId: string,
    acumaticaId: string | undefined,
    expand: string[],
  ): Promise<AcumaticaRecord | undefined> {
    const id = `${acumaticaEntity}/${acumaticaId || externalId}`;
    const read = this.copies.get(id);
    if (read && expand.every((path) => read.expand.includes(path))) return read.copy;
    const address = acumaticaId || mapper.keyFieldsFromExternalId(externalId).segments;
    const copy = this.client
      .get(acumaticaEntity, address, { expand, signal: this.signal })
      .catch((err: unknown) => {
        if (isAcumaticaError(err) && err.type === 'AcumaticaNotFound') return undefined;
        throw err;
      });
    this.copies.set(id, { expand, copy });
    return copy;
  }
}
