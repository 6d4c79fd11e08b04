package io.cinestream.generator.catalog;

/** The catalogue source holds no live product, so no event could name an item. */
public final class EmptyCatalogueException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * @param source where the catalogue was read from, named in the message
   * @param hint what the user should do about it
   */
  public EmptyCatalogueException(String source, String hint) {
    super("The catalogue is empty: " + source + " holds no product. " + hint);
  }
}
