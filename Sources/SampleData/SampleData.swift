/// # SampleData
///
/// A seeded generator of the retail data set the AWS retail design ingests, with exactly the
/// columns of `../shared/bench/gen_retail.py`, laid out the way the data arrives in production:
///
/// ```
///  OUT/products/products.csv                 product dimension
///  OUT/stores/stores.csv                     store dimension
///  OUT/sales/YYYY-MM-DD/pos-SNNNN.csv        nightly POS batch per store (≈1% re-sent rows,
///                                            ≈0.3% dirty rows: bad quantity, bad timestamp,
///                                            empty required field)
///  OUT/inventory/YYYY-MM-DD/inventory.csv    daily stock snapshot
///  OUT/clickstream/YYYY-MM-DD/events-HH.jsonl  hourly web events (sessions walking the funnel)
///  OUT/manifest.json                         what was generated, including how many sales rows
///                                            a correct pipeline keeps (clean, distinct)
/// ```
///
/// The same seed and options give byte-identical files. The generator is not numpy's: files
/// differ from gen_retail.py's byte for byte, but columns, formats, value domains and the share
/// of duplicates and dirty rows are the same, so both flow through the same pipeline.
public enum SampleDataModule {}
