package io.cinestream.schemas.warehouse;

/**
 * The metric jobs, by the name both engines give them: Flink's job names ({@code env.execute}),
 * Spark's query names, and the {@code job} column of {@code late_events}.
 */
public enum MetricJob {
  REGISTRATION_METRICS("registration-metrics"),
  SESSION_METRICS("session-metrics"),
  MOVIE_SALES("movie-sales");

  private final String jobName;

  MetricJob(String jobName) {
    this.jobName = jobName;
  }

  /** The job name, e.g. {@code session-metrics}. */
  public String jobName() {
    return jobName;
  }

  @Override
  public String toString() {
    return jobName;
  }
}
