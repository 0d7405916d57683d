package org.hospital.incidents.stream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.hospital.incidents.stream.config.CommandLineOptions;
import org.hospital.incidents.stream.config.Settings;

class ContextFactoryTest {

    @Test
    void configFileSparkKeysReachTheHadoopConfigurationUsedForTheCheckpoint() throws Exception {
        Settings settings = CommandLineOptions.parse("--socket", "localhost:9999", "--config",
                "config/application.properties");
        SparkConf conf = ContextFactory.sparkConf(settings,
                new SparkConf(false).set("spark.hadoop.dfs.client.retry.policy.spec", "1000,3"));
        Configuration hadoop = ContextFactory.hadoopConf(conf);
        // From the shipped config file: the HDFS client retries while a NameNode restarts.
        assertEquals("true", hadoop.get("dfs.client.retry.policy.enabled"));
        // spark-submit --conf wins over the config file.
        assertEquals("1000,3", hadoop.get("dfs.client.retry.policy.spec"));
        assertEquals("true", conf.get("spark.streaming.stopGracefullyOnShutdown"));
        assertEquals(ContextFactory.APP_NAME, conf.get("spark.app.name"));
    }
}
