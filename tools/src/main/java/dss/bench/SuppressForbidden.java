package dss.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows one use of an API that the build's forbidden-API check refuses, with the reason in {@link
 * #reason}: the benchmarks read the process's CPU time through the JDK's own {@code
 * com.sun.management} bean, which every JDK the project supports has.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface SuppressForbidden {
  String reason();
}
