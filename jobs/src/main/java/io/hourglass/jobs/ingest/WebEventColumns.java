package io.hourglass.jobs.ingest;

/** Column names of web_events, in one place (they match schemas/web_events/*.avsc). */
public final class WebEventColumns {
  public static final String EVENT_ID = "event_id";
  public static final String EVENT_TYPE = "event_type";
  public static final String EVENT_TIME = "event_time";
  public static final String SITE_ID = "site_id";
  public static final String URL = "url";
  public static final String URL_DOMAIN = "url_domain";
  public static final String URL_PATH = "url_path";
  public static final String IP = "ip";
  public static final String EMAIL = "email";
  public static final String EMAIL_HMAC = "email_hmac";
  public static final String PROPS = "props";
  public static final String EXTRA = "extra";
  public static final String DT = "dt";
  public static final String HOUR = "hour";
  public static final String INGEST_HOUR = "ingest_hour";

  /** Partition columns of the events table, outermost first; the run owns the last one. */
  public static final java.util.List<String> PARTITIONS = java.util.List.of(DT, HOUR, INGEST_HOUR);

  private WebEventColumns() {}
}
