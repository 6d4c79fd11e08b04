package io.cinestream.flink.model;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's type information for {@link Event}: serialized by {@link EventSerializer}. */
public final class EventTypeInfo extends TypeInformation<Event> {

  private static final long serialVersionUID = 1L;

  /** The type information (stateless). */
  public static final EventTypeInfo INSTANCE = new EventTypeInfo();

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<Event> getTypeClass() {
    return Event.class;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<Event> createSerializer(SerializerConfig config) {
    return EventSerializer.INSTANCE;
  }

  @Override
  public String toString() {
    return "Event(compact)";
  }

  @Override
  public boolean equals(Object obj) {
    return obj instanceof EventTypeInfo;
  }

  @Override
  public int hashCode() {
    return EventTypeInfo.class.hashCode();
  }

  @Override
  public boolean canEqual(Object obj) {
    return obj instanceof EventTypeInfo;
  }
}
