/// # Jobs
///
/// Glue-style ETL (overview written below once the module settles).
public enum JobsModule {}
