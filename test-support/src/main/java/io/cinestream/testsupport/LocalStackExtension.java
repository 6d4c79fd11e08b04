package io.cinestream.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the {@link LocalStack} of this test JVM: declare a {@link LocalStack} parameter on a
 * test, lifecycle ({@code @BeforeAll}, {@code @BeforeEach}) or constructor method of a class
 * annotated {@code @ExtendWith(LocalStackExtension.class)}.
 *
 * <p>The stack lives in the root {@link ExtensionContext.Store} of the JUnit engine, so every test
 * class of the run (Surefire runs one JVM per module) shares one instance; JUnit closes it when the
 * run ends. Its servers start lazily, each on first use: a class that needs only PostgreSQL never
 * starts Kafka.
 */
public final class LocalStackExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalStackExtension.class);

  /** Used by JUnit. */
  public LocalStackExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return stack(context);
  }

  /**
   * The stack of this run, created (without starting anything) on first call.
   *
   * @param context any extension context of the run
   * @return the shared stack
   */
  public static LocalStack stack(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(LocalStack.class, key -> new LocalStack(), LocalStack.class);
  }
}
