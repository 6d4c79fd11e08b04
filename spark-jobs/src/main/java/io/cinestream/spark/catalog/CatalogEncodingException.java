package io.cinestream.spark.catalog;

/**
 * Thrown by {@link MovieCatalogJob#run} before anything is written when too many records look
 * wrongly encoded for Windows-1252 (limits {@code --max-likely-utf8-ratio} and {@code
 * --max-undefined-cp1252-ratio}). The message names the counts, the limit and the first records.
 */
public final class CatalogEncodingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The summary computed before the check; not serialised with the exception. */
  private final transient CatalogSummary summary;

  /**
   * @param message what failed, with counts, limit and sample record labels
   * @param summary the run's data-quality summary
   */
  public CatalogEncodingException(String message, CatalogSummary summary) {
    super(message);
    this.summary = summary;
  }

  /**
   * @return the data-quality summary of the refused input (with its encoding counts)
   */
  public CatalogSummary summary() {
    return summary;
  }
}
