package io.runwarden;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Leaves a transaction open on partitions that no coordinator knows of, as a broker race or a broker without
 * transaction verification (before 3.6, or with {@code transaction.partition.verification.enable=false}) leaves one:
 * a transactional batch written straight to each partition, under a producer id no transactional id owns. Nothing
 * ever writes its marker, so readers under exactly-once wait on it for good.
 */
final class HangingTransaction {
    private static final short INIT_PRODUCER_ID_VERSION = 4;
    /** The last version that names topics rather than giving their ids. */
    private static final short PRODUCE_VERSION = 11;

    private HangingTransaction() {
    }

    /** @param port the broker's, on 127.0.0.1 @return the producer id left with a transaction open */
    static long leaveOpen(int port, String topic, int partitions) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            InitProducerIdResponse init = (InitProducerIdResponse) call(socket, 1, new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)
                            .setProducerId(-1).setProducerEpoch((short) -1)).build(INIT_PRODUCER_ID_VERSION));
            check(init.error());
            long producerId = init.data().producerId();
            short epoch = init.data().producerEpoch();
            List<ProduceRequestData.PartitionProduceData> data = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                data.add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(
                        MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, 0,
                                new SimpleRecord(System.currentTimeMillis(), "hanging".getBytes(StandardCharsets.UTF_8),
                                        "{}".getBytes(StandardCharsets.UTF_8)))));
            }
            ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
            topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(data));
            ProduceResponse produced = (ProduceResponse) call(socket, 2, new ProduceRequest.Builder(PRODUCE_VERSION,
                    PRODUCE_VERSION, new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
                    .setTransactionalId("runwarden-test-hanging").setTopicData(topics)).build(PRODUCE_VERSION));
            produced.data().responses().forEach(response -> response.partitionResponses()
                    .forEach(partition -> check(Errors.forCode(partition.errorCode()))));
            return producerId;
        }
    }

    private static AbstractResponse call(Socket socket, int correlationId, AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "runwarden-test", correlationId);
        ByteBuffer bytes = request.serializeWithHeader(header);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(bytes.remaining());
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    private static void check(Errors error) {
        if (error != Errors.NONE) {
            throw error.exception();
        }
    }
}
