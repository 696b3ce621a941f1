/**
 * @module Definitions: events.k8s.io/v1 Event.
 * Fields, types, list/patch extensions and descriptions follow upstream's OpenAPI (long
 * descriptions keep their first sentences).
 */
import type { Definitions } from './types.js';
import { arr, gvk, int32, obj, ref, str, typeMeta } from './builders.js';
import { CORE, EVENTS, META } from './names.js';

export const EVENTS_V1_DEFINITIONS: Definitions = {
  'io.k8s.api.events.v1.Event': obj('Event is a report of an event somewhere in the cluster. It generally denotes some state change in the system. Events have a limited retention time and triggers and messages may evolve with time.  Event consumers should not rely on the timing of an event with a given Reason reflecting a consistent underlying trigger, or the continued existence of events with that Reason.  Events should be treated as informative, best-effort, supplemental data.', {
    ...typeMeta(),
    action: str('action is what action was taken/failed regarding to the regarding object. It is machine-readable. This field cannot be empty for new Events and it can have at most 128 characters.'),
    deprecatedCount: int32('deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type.'),
    deprecatedFirstTimestamp: ref(META + 'Time', 'deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.'),
    deprecatedLastTimestamp: ref(META + 'Time', 'deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.'),
    deprecatedSource: ref(CORE + 'EventSource', 'deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type.'),
    eventTime: ref(META + 'MicroTime', 'eventTime is the time when this Event was first observed. It is required.'),
    metadata: ref(META + 'ObjectMeta', 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
    note: str('note is a human-readable description of the status of this operation. Maximal length of the note is 1kB, but libraries should be prepared to handle values up to 64kB.'),
    reason: str('reason is why the action was taken. It is human-readable. This field cannot be empty for new Events and it can have at most 128 characters.'),
    regarding: ref(CORE + 'ObjectReference', 'regarding contains the object this Event is about. In most cases it\'s an Object reporting controller implements, e.g. ReplicaSetController implements ReplicaSets and this event is emitted because it acts on some changes in a ReplicaSet object.'),
    related: ref(CORE + 'ObjectReference', 'related is the optional secondary object for more complex actions. E.g. when regarding object triggers a creation or deletion of related object.'),
    reportingController: str('reportingController is the name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`. This field cannot be empty for new Events.'),
    reportingInstance: str('reportingInstance is the ID of the controller instance, e.g. `kubelet-xyzf`. This field cannot be empty for new Events and it can have at most 128 characters.'),
    series: ref(EVENTS + 'EventSeries', 'series is data about the Event series this event represents or nil if it\'s a singleton Event.'),
    type: str('type is the type of this event (Normal, Warning), new types could be added in the future. It is machine-readable. This field cannot be empty for new Events.'),
  }, { required: ['eventTime'], gvk: gvk('events.k8s.io', 'v1', 'Event') }),
  'io.k8s.api.events.v1.EventList': obj('EventList is a list of Event objects.', {
    ...typeMeta(),
    items: arr(ref(EVENTS + 'Event'), 'items is a list of schema objects.'),
    metadata: ref(META + 'ListMeta', 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata'),
  }, { required: ['items'], gvk: gvk('events.k8s.io', 'v1', 'EventList') }),
  'io.k8s.api.events.v1.EventSeries': obj('EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time. How often to update the EventSeries is up to the event reporters. The default event reporter in "k8s.io/client-go/tools/events/event_broadcaster.go" shows how this struct is updated on heartbeats and can guide customized reporter implementations.', {
    count: int32('count is the number of occurrences in this series up to the last heartbeat time.'),
    lastObservedTime: ref(META + 'MicroTime', 'lastObservedTime is the time when last Event from the series was seen before last heartbeat.'),
  }, { required: ['count', 'lastObservedTime'] }),
};
