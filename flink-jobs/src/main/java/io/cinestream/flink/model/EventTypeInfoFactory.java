package io.cinestream.flink.model;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Makes {@code TypeInformation.of(Event.class)} return {@link EventTypeInfo} ({@code @TypeInfo}).
 */
public final class EventTypeInfoFactory extends TypeInfoFactory<Event> {

  @Override
  public TypeInformation<Event> createTypeInfo(
      Type t, Map<String, TypeInformation<?>> genericParameters) {
    return EventTypeInfo.INSTANCE;
  }
}
