import ArgumentParser
import GreenStreamFiles

/// `--format csv|parquet`.
extension OutputFormat: ExpressibleByArgument {}
