package io.runwarden.notify;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every partition of a channel's feed to one member of the channel's group, so that one instance at a time
 * delivers to a channel: in order, and with one digest per batch. Which one is a rendezvous hash of the channel and
 * each instance's id, so channels spread over the instances and a channel stays where it is while its instance lives.
 */
public final class OneOwnerAssignor implements ConsumerPartitionAssignor, Configurable {
    /** Consumer config: the channel's name. */
    public static final String CHANNEL = "runwarden.notify.channel";
    /** Consumer config: this instance's id, stable while it runs (its advertised host:port). */
    public static final String INSTANCE = "runwarden.notify.instance";

    private String channel = "";
    private String instance = "";

    @Override
    public void configure(Map<String, ?> configs) {
        channel = String.valueOf(configs.get(CHANNEL));
        instance = String.valueOf(configs.get(INSTANCE));
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        return ByteBuffer.wrap(instance.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription group) {
        Map<String, Subscription> members = group.groupSubscription();
        String owner = members.entrySet().stream()
                .max(Comparator.<Map.Entry<String, Subscription>>comparingInt(m -> score(instanceOf(m.getValue())))
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).orElseThrow();
        Map<String, Assignment> assignments = new HashMap<>();
        for (Map.Entry<String, Subscription> member : members.entrySet()) {
            List<TopicPartition> partitions = new ArrayList<>();
            if (member.getKey().equals(owner)) {
                for (String topic : member.getValue().topics()) {
                    Integer count = metadata.partitionCountForTopic(topic);
                    for (int p = 0; count != null && p < count; p++) {
                        partitions.add(new TopicPartition(topic, p));
                    }
                }
            }
            assignments.put(member.getKey(), new Assignment(partitions));
        }
        return new GroupAssignment(assignments);
    }

    private int score(String memberInstance) {
        return Utils.murmur2((channel + '\0' + memberInstance).getBytes(StandardCharsets.UTF_8));
    }

    private static String instanceOf(Subscription subscription) {
        ByteBuffer data = subscription.userData();
        if (data == null) {
            return "";
        }
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
    }

    @Override
    public String name() {
        return "runwarden-one-owner";
    }
}
