package io.cinestream.spark.catalog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads the raw records of catalogue files, one row per record, bytes untouched.
 *
 * <p>Uses Hadoop's {@link TextInputFormat} through {@code newAPIHadoopFile} with the record
 * delimiter {@value #RECORD_DELIMITER} (a line break followed by the {@code ITEM } header), so a
 * multi-GB file is split across executors and each record is still read whole: the record reader of
 * a split reads past the split's end to finish its last record and the next split skips to its
 * first delimiter, the same contract as for ordinary lines. {@code wholeTextFiles} is not used
 * because it loads each whole file into one executor's memory as one string, which neither scales
 * nor parallelizes within a file.
 *
 * <p>Why this delimiter and not a blank line: records are defined by their {@code ITEM} line, the
 * blank line between them is missing at the end of files and becomes {@code \r\n\r\n} in files with
 * Windows line endings, while {@code \nITEM } matches with both {@code \n} and {@code \r\n} (the
 * {@code \r} then stays at the end of the previous record, where the parser drops it). The
 * delimiter is consumed by the reader, so every record but the first of a file arrives without its
 * leading {@code ITEM }; it is put back here, and the first chunk of a file (byte offset 0) is kept
 * as it is. A line inside a record cannot start with {@code ITEM } because every attribute line
 * starts with its {@code Key=}.
 *
 * <p>The {@link Text} bytes are copied up to {@link Text#getLength()} (the buffer is reused and
 * longer) and never decoded through {@code Text.toString()}, which would assume UTF-8: decoding is
 * the parser's job (Windows-1252).
 */
public final class CatalogInput {

  /** The Hadoop record delimiter between two catalogue records. */
  public static final String RECORD_DELIMITER = "\nITEM ";

  /** Schema of {@link #readRawRecords}: file, byte offset of the record, its bytes. */
  public static final StructType RAW_SCHEMA =
      new StructType()
          .add("source_file", DataTypes.StringType, false)
          .add("offset", DataTypes.LongType, false)
          .add("raw", DataTypes.BinaryType, false);

  private static final byte[] HEADER_PREFIX = "ITEM ".getBytes(StandardCharsets.US_ASCII);

  private CatalogInput() {}

  /**
   * Reads every record of the files at {@code path}.
   *
   * @param spark the session
   * @param path a file, directory or glob Hadoop understands ({@code file:}, {@code hdfs:}, {@code
   *     s3a:}, ...; compressed files are decompressed by Hadoop's codecs)
   * @return rows of {@link #RAW_SCHEMA}: {@code source_file} = the file's full path (URI string),
   *     {@code offset} = byte offset of the record in that file (file order), {@code raw} = the
   *     record's bytes starting with {@code ITEM }, undecoded; blank chunks included
   * @throws org.apache.spark.SparkException (on an action) when the path does not exist
   */
  public static Dataset<Row> readRawRecords(SparkSession spark, String path) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = new Configuration(jsc.hadoopConfiguration());
    conf.set("textinputformat.record.delimiter", RECORD_DELIMITER);
    JavaNewHadoopRDD<LongWritable, Text> chunks =
        (JavaNewHadoopRDD<LongWritable, Text>)
            jsc.newAPIHadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, conf);
    JavaRDD<Row> rows = chunks.mapPartitionsWithInputSplit(CatalogInput::toRows, true);
    return spark.createDataFrame(rows, RAW_SCHEMA);
  }

  private static Iterator<Row> toRows(InputSplit split, Iterator<Tuple2<LongWritable, Text>> it) {
    String file = ((FileSplit) split).getPath().toString();
    // Lazy on purpose: a split can be 128 MB, and Hadoop reuses the key and value objects.
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Row next() {
        Tuple2<LongWritable, Text> chunk = it.next();
        long offset = chunk._1().get();
        return RowFactory.create(file, offset, recordBytes(offset, chunk._2()));
      }
    };
  }

  /**
   * Rebuilds a record's bytes from a delimited chunk.
   *
   * @param offset the chunk's byte offset in its file
   * @param chunk the chunk, valid up to {@link Text#getLength()}
   * @return a fresh array: the chunk itself at offset 0, else {@code ITEM } + the chunk
   */
  static byte[] recordBytes(long offset, Text chunk) {
    int length = chunk.getLength();
    if (offset == 0) {
      return Arrays.copyOf(chunk.getBytes(), length);
    }
    byte[] bytes = new byte[HEADER_PREFIX.length + length];
    System.arraycopy(HEADER_PREFIX, 0, bytes, 0, HEADER_PREFIX.length);
    System.arraycopy(chunk.getBytes(), 0, bytes, HEADER_PREFIX.length, length);
    return bytes;
  }
}
